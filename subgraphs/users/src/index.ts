import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { usersSubgraph } from './subgraph';

runSubgraphProcess('users', usersSubgraph);
