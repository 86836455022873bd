import { Connection } from '@agentry/subgraph-kit';
import { Task } from './task.entity';

export const TaskConnection = Connection('Task', Task);
