import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { billingSubgraph } from './subgraph';

runSubgraphProcess('billing', billingSubgraph);
