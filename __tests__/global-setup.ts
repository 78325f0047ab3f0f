// Runs once before the workers start: without BOOTSTRAP_PROVIDER_MIRROR, look for an offline provider mirror
// as `npm test` and the sandbox do, so a plain `npx jest` never sends terraform to the public registry.
import { PROVIDER_MIRROR_ENV } from '../src/terraform/cli-config';
import { findProviderMirror } from '../src/terraform/provider-mirror';

export default function globalSetup(): void {
  if ((process.env[PROVIDER_MIRROR_ENV] ?? '').trim() !== '') return;
  const mirror = findProviderMirror(process.env);
  if (mirror !== undefined) process.env[PROVIDER_MIRROR_ENV] = mirror;
}
