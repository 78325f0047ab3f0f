// Prints the offline Terraform provider mirror this machine has (see src/terraform/provider-mirror.ts),
// or nothing with exit code 1 when there is none.
import { findProviderMirror } from '../src/terraform/provider-mirror';

const mirror = findProviderMirror();
if (mirror === undefined) process.exit(1);
process.stdout.write(`${mirror}\n`);
