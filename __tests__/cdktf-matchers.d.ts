// Types of the matchers Testing.setupJest() registers (toHaveResourceWithProperties, ...).
import 'cdktf/lib/testing/adapters/jest';
