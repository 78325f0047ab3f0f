// Types of cdktf's jest matchers (registered at runtime by Testing.setupJest() in setup.ts).
import 'cdktf/lib/testing/adapters/jest';
