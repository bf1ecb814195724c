// custom-elements-manifest.config.mjs — `cem analyze` (npm run analyze) reads this by default.
// The element's JSDoc (@fires, @csspart, @cssprop, @attr) and its Lit `static properties`
// become dist/custom-elements.json, which IDEs, Storybook and docs tools read.
export default {
  globs: ['sdk/**/*.ts'],
  exclude: ['sdk/**/*.test.ts', 'sdk/contract/**', 'sdk/indicators/**', 'sdk/adapters/**', 'sdk/test-support/**'],
  outdir: 'dist',
  litelement: true,
  // package.json's "customElements" field is maintained by hand (it points into dist/).
  packagejson: false,
  plugins: [optionsFromInterface(), hidePrivateMembers(), sortModules()],
};

const isPublic = (m) =>
  m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('_') && !m.name.startsWith('#');

/** Drops `#private`, `private` and `_underscored` members: the manifest documents the public API. */
function hidePrivateMembers() {
  return {
    name: 'chart-chat-hide-private-members',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules ?? []) {
        for (const decl of mod.declarations ?? []) {
          if (decl.members) decl.members = decl.members.filter(isPublic);
          // Lit internal state (`_x: {state: true}`) is not an attribute anyone may set.
          if (decl.attributes) decl.attributes = decl.attributes.filter((a) => isPublic({ name: a.fieldName ?? a.name }) && isPublic(a));
        }
      }
    },
  };
}

/** The analyzer lists modules in file-system walk order, which varies between runs: sort by path. */
function sortModules() {
  return {
    name: 'chart-chat-sort-modules',
    packageLinkPhase({ customElementsManifest }) {
      customElementsManifest.modules?.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/**
 * The element's options are typed and documented once, in the `ChartChatOptions` interface
 * (sdk/options.ts); its `static properties` table only says which are attributes. This copies
 * each option's type and description onto the element's field in the manifest.
 */
function optionsFromInterface(name = 'ChartChatOptions') {
  const options = new Map();
  return {
    name: 'chart-chat-options-from-interface',
    analyzePhase({ ts, node }) {
      if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const doc = ts.getJSDocCommentsAndTags(member).map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
        options.set(member.name.getText(), { type: member.type.getText(), description: doc });
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules ?? []) {
        for (const decl of mod.declarations ?? []) {
          if (!decl.tagName) continue;
          for (const member of [...(decl.members ?? []), ...(decl.attributes ?? [])]) {
            const option = options.get(member.fieldName ?? member.name);
            if (!option) continue;
            member.type = { text: option.type };
            if (option.description) member.description = option.description;
          }
        }
      }
    },
  };
}
