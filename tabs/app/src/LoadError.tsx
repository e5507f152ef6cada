import { Button, MessageBar, MessageBarActions, MessageBarBody } from '@fluentui/react-components';
import { messageOf, worthRetrying } from './api';

/** A page that could not load: what went wrong in words, read out at once, and Try again where it can help. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>{messageOf(error)}</MessageBarBody>
      {worthRetrying(error) && (
        <MessageBarActions>
          <Button onClick={onRetry}>Try again</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
