import { Connection } from '@agentry/subgraph-kit';
import { LedgerEntry } from './ledger-entry.entity';

export const LedgerEntryConnection = Connection('LedgerEntry', LedgerEntry);
