import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { agentsSubgraph } from './subgraph';

runSubgraphProcess('agents', agentsSubgraph);
