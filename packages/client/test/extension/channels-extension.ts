// channels.md's "Chrome Extension Background Script" as an unpacked Manifest V3 extension.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The document's background.js, character for character (its template literals escaped here); only the
 * server's port is the test's. It broadcasts each message to the extension's pages, so the test watches
 * it as its popup would.
 */
const background = `// background.js
let ws = null;
let reconnectTimeout = null;

function connectWebSocket() {
  ws = new WebSocket('ws://localhost:8000/api/v1/ws?user_id=extension&channels=jobs,applications');

  ws.onopen = () => {
    console.log('Extension WebSocket connected');
    chrome.action.setBadgeText({ text: '' });
    chrome.action.setBadgeBackgroundColor({ color: '#00FF00' });

    if (reconnectTimeout) {
      clearTimeout(reconnectTimeout);
      reconnectTimeout = null;
    }
  };

  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    handleWebSocketMessage(message);
  };

  ws.onerror = (error) => {
    console.error('WebSocket error:', error);
  };

  ws.onclose = () => {
    console.log('WebSocket closed, reconnecting...');
    chrome.action.setBadgeText({ text: '!' });
    chrome.action.setBadgeBackgroundColor({ color: '#FF0000' });

    // Reconnect after 5 seconds
    reconnectTimeout = setTimeout(connectWebSocket, 5000);
  };
}

function handleWebSocketMessage(message) {
  switch (message.type) {
    case 'job.analyzed':
      // Show notification
      chrome.notifications.create({
        type: 'basic',
        iconUrl: 'icon.png',
        title: 'Job Analyzed',
        message: \`Match score: \${message.data.match_score}%\`
      });

      // Update badge
      chrome.action.setBadgeText({ text: 'NEW' });
      break;

    case 'interview.scheduled':
      chrome.notifications.create({
        type: 'basic',
        iconUrl: 'icon.png',
        title: 'Interview Scheduled',
        message: \`\${message.data.company} - \${message.data.interview_type}\`
      });
      break;

    case 'followup.due':
      chrome.notifications.create({
        type: 'basic',
        iconUrl: 'icon.png',
        title: 'Follow-up Due',
        message: \`Follow up with \${message.data.company}\`
      });
      break;
  }

  // Broadcast to popup/content scripts
  chrome.runtime.sendMessage({
    type: 'websocket_event',
    data: message
  });
}

// Start connection
connectWebSocket();
`;

/** The popup the script broadcasts to: it keeps what it is told, for the test to read. */
const popup = String.raw`window.events = [];
chrome.runtime.onMessage.addListener((message) => {
  if (message.type === 'websocket_event') window.events.push(message.data);
});
`;

/** The document shows no manifest: this is the least its script needs (a badge, notifications). */
const manifest = {
  manifest_version: 3,
  name: 'Jobstream channels.md background script',
  version: '1.0',
  background: { service_worker: 'background.js' },
  action: { default_popup: 'popup.html' },
  permissions: ['notifications'],
};

/** A 1×1 PNG: the notifications' `icon.png`. */
const icon = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Writes the extension into `dir`, its script pointed at the server on `port`. */
export function writeChannelsExtension(dir: string, port: number): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, 'background.js'),
    background.replace('ws://localhost:8000/', `ws://localhost:${port}/`),
  );
  writeFileSync(join(dir, 'popup.html'), '<!doctype html><script src="popup.js"></script>');
  writeFileSync(join(dir, 'popup.js'), popup);
  writeFileSync(join(dir, 'icon.png'), icon);
}
