import { checkProfileName } from '../../auth/token-store.js';
import { UserError } from '../../errors.js';
import type { Factory } from '../factory.js';

export interface AuthSwitchOptions {
  profile: string;
  factory: Factory;
}

export async function authSwitch({ profile, factory }: AuthSwitchOptions): Promise<void> {
  const name = checkProfileName(profile);
  const store = await factory.tokenStore();
  if (!(await store.setDefaultProfile(name))) {
    const saved = Object.keys((await store.read()).profiles);
    throw new UserError(
      `No saved login "${name}" to switch to.`,
      saved.length ? `Saved logins: ${saved.join(', ')}. Or log in as "${name}" first: \`hubspot-actions login --profile ${name}\`.` : `Log in first: \`hubspot-actions login --profile ${name}\`.`,
    );
  }
  const overridden = factory.io.env.HUBSPOT_ACTIONS_PROFILE;
  factory.io.say(
    `Commands now use the saved login "${name}" when no --profile is given.${overridden && overridden !== name ? ` (HUBSPOT_ACTIONS_PROFILE=${overridden} is set in this shell and still wins.)` : ''}`,
  );
}
