export { BlockedVersions } from './BlockedVersions';
export { BlockVersionDialog } from './BlockVersionDialog';
