import { Button, MessageBar, MessageBarActions, MessageBarBody } from '@fluentui/react-components';
import { messageOf, worthRetrying } from './api';

/**
 * A page (or, named by `what`, a part of one) that could not load: what went wrong in words, read out
 * at once, and Try again where it can help.
 */
export function LoadError({ error, onRetry, what }: { error: unknown; onRetry: () => void; what?: string }) {
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>
        {what ? `${what} could not load: ${messageOf(error)}` : messageOf(error)}
      </MessageBarBody>
      {worthRetrying(error) && (
        <MessageBarActions>
          <Button onClick={onRetry}>Try again</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
