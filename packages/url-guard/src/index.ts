export {
  assertFetchableUrl,
  classifyAddress,
  isPublicAddress,
  UnresolvableHostError,
  type AddressClass,
  type FetchableUrlOptions,
} from './ssrf';
