import { Connection } from '@agentry/subgraph-kit';
import { TaskEvent } from './task-event.entity';

export const TaskEventConnection = Connection('TaskEvent', TaskEvent);
