import { Connection } from '@agentry/subgraph-kit';
import { Task } from './task.entity';
import { TaskEvent } from '../events/task-event.entity';

export const TaskConnection = Connection('Task', Task);
export const TaskEventConnection = Connection('TaskEvent', TaskEvent);
