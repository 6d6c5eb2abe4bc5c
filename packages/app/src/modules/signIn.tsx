import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import { SignInPageProps } from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';

/**
 * The demo's sign-in page: the guest, or one of the demo identities that show approvals —
 * `reviewer` and `approver` own podinfo-gated, `outsider` does not (the backend's
 * `demoSignIn` module serves them, development only).
 */
const CHOICE = 'gitops-pipelines-demo-sign-in';
const IDENTITIES = [
  { id: 'reviewer', label: 'Sign in as reviewer (second demo user)' },
  { id: 'approver', label: 'Sign in as approver (third demo user)' },
  { id: 'outsider', label: 'Sign in as outsider (not an owner)' },
];

function DemoSignInPage(props: SignInPageProps) {
  // Remembered, so that a reload signs the same identity in again (as the guest's session is restored).
  const [chosen, setChosen] = useState(() =>
    window.localStorage.getItem(CHOICE),
  );
  if (chosen && IDENTITIES.some(i => i.id === chosen))
    return <ProxiedSignInPage {...props} provider={chosen} />;
  return (
    <>
      <SignInPage {...props} providers={['guest']} />
      <Box
        position="fixed"
        bottom={24}
        right={24}
        display="flex"
        flexDirection="column"
        style={{ gap: 8 }}
      >
        {IDENTITIES.map(identity => (
          <Button
            key={identity.id}
            variant="outlined"
            color="primary"
            onClick={() => {
              window.localStorage.setItem(CHOICE, identity.id);
              setChosen(identity.id);
            }}
          >
            {identity.label}
          </Button>
        ))}
      </Box>
    </>
  );
}

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => DemoSignInPage },
    }),
  ],
});
