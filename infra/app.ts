import { buildApp } from '#infra/build-app';

// Entry point of `cdk synth|diff|deploy`; pick the stage with `-c stage=dev|prod`.
buildApp().app.synth();
