import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import { SignInPageProps } from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';

/**
 * The demo's sign-in page: the guest, or a second identity (`reviewer`) who can approve
 * the guest's promotions — approvals need someone other than the requester.
 */
const CHOICE = 'gitops-pipelines-demo-sign-in';

function DemoSignInPage(props: SignInPageProps) {
  // Remembered, so that a reload signs the reviewer in again (as the guest's session is restored).
  const [reviewer, setReviewer] = useState(() => window.localStorage.getItem(CHOICE) === 'reviewer');
  if (reviewer) return <ProxiedSignInPage {...props} provider="reviewer" />;
  return (
    <>
      <SignInPage {...props} providers={['guest']} />
      <Box position="fixed" bottom={24} right={24}>
        <Button
          variant="outlined"
          color="primary"
          onClick={() => {
            window.localStorage.setItem(CHOICE, 'reviewer');
            setReviewer(true);
          }}
        >
          Sign in as reviewer (second demo user)
        </Button>
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
