export {
  createUpstreamFetcher,
  pendingIdentity,
  PENDING_IDENTITY_HEADER,
  safeToRetry,
  DEFAULT_UPSTREAM_OPTIONS,
  UPSTREAM_RETRY_AFTER_S,
  type UpstreamOptions,
} from './fetcher';
