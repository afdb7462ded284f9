/**
 * The workflows the service runs. Importing a workflow module registers its job kinds
 * (`registerJobKind`) and its event classifiers and handlers (`registerEventClassifier`,
 * `onEvent`) in the default registries; `ferry serve` and `ferry worker` import this file,
 * so a new workflow adds one import line here.
 */
export {};
