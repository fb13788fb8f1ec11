// Root hooks: the backend is chosen once before any test (quietly), as a notebook's first cell does.
import { ready } from '../../src/backend/backend';

process.env.LATENT_QUIET = '1';

export const mochaHooks = {
  async beforeAll() {
    await ready();
  },
};
