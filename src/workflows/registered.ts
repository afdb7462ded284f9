/**
 * The workflows the service runs. Importing this file registers their job kinds
 * (`registerJobKind`) and their event classifiers and handlers (`registerEventClassifier`,
 * `onEvent`) in the default registries; `ferry serve`, `ferry worker` and `ferry demo`
 * import it, so a new workflow adds one line here.
 */
import { registerBackportOnRequest } from './backport-on-request.js';
import { registerCveImport } from './cve-import-job.js';

registerBackportOnRequest();
registerCveImport();
