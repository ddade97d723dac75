// Starts `doclint lsp` for markdown files and hands it to VS Code's language client:
// diagnostics, quick fixes, completion, navigation, rename, hovers, outline and the
// coverage code lens all come from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("doclint");
  const [command, ...args] = settings.get("command", ["doclint", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: { debounceMs: settings.get("debounceMs", 150) },
  };
  client = new LanguageClient("doclint", "doclint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
