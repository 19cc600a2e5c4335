import { Testing } from 'cdktf';

// cdktf's matchers: toHaveResourceWithProperties, toHaveProviderWithProperties, toBeValidTerraform...
Testing.setupJest();
