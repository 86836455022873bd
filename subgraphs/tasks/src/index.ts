import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { tasksSubgraph } from './subgraph';

runSubgraphProcess('tasks', tasksSubgraph);
