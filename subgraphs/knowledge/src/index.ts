import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { knowledgeSubgraph } from './subgraph';

runSubgraphProcess('knowledge', knowledgeSubgraph);
