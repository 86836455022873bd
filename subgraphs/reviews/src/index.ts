import 'reflect-metadata';
import { runSubgraphProcess } from '@agentry/subgraph-kit';
import { reviewsSubgraph } from './subgraph';

runSubgraphProcess('reviews', reviewsSubgraph);
