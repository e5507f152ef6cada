import { MessageBar, MessageBarBody } from '@fluentui/react-components';

/**
 * Said on a page answered from the order feed as last read while a newer read is under way (a new
 * export, or the weekly run reading it, takes minutes on a large book): the page does not wait, so
 * its figures may not be this morning's cards'.
 */
export function FeedBeingRead({ className }: { className?: string }) {
  return (
    <MessageBar intent="info" className={className} data-testid="feed-being-read">
      <MessageBarBody>
        The order feed is being read anew (a new export, or the weekly run): this page shows it as last read.
        Open the page again in a few minutes for the newest orders.
      </MessageBarBody>
    </MessageBar>
  );
}
