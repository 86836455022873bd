import { Connection } from '@agentry/subgraph-kit';
import { Review } from './review.entity';

export const ReviewConnection = Connection('Review', Review);
