// Adds cdktf's jest matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) and makes the
// terraform that `toBeValidTerraform` starts install the AWS provider from the offline mirror.
import { Testing } from 'cdktf';
import { terraformEnv } from '../src/terraform/cli-config';

Testing.setupJest();
Object.assign(process.env, terraformEnv(process.env));
