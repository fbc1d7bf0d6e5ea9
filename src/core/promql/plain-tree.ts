import type { NodeType, Tree, TreeCursor } from '@lezer/common';

/**
 * What the PromQL readers (the SLI compiler, the instant evaluator, the selector readers) ask of a syntax node. Both a
 * lezer `SyntaxNode` and a `PlainNode` answer it, so a reader works on either.
 */
export interface QueryNode<N extends QueryNode<N>> {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: N | null;
  readonly nextSibling: N | null;
  getChild(name: string): N | null;
}

/**
 * A syntax node as plain fields, built once per parse. Lezer makes a new node object (and a cursor for `getChild`)
 * at every step of a walk; a template's queries share one parse (`parseTree`), so walking it as plain nodes makes
 * that navigation once per template instead of once per SLO (issue 21: at 10,000 SLOs, a sixth of a restart's CPU
 * went into stepping through lezer's nodes, and much of its garbage into the nodes themselves).
 */
export class PlainNode implements QueryNode<PlainNode> {
  firstChild: PlainNode | null = null;
  nextSibling: PlainNode | null = null;

  constructor(
    private readonly type: NodeType,
    readonly from: number,
    readonly to: number,
  ) {}

  get name(): string {
    return this.type.name;
  }

  /** The first child of that type, as lezer's `getChild` finds it (a name or a group the node type is in). */
  getChild(name: string): PlainNode | null {
    for (let child = this.firstChild; child; child = child.nextSibling) if (child.type.is(name)) return child;
    return null;
  }
}

const plainTrees = new WeakMap<Tree, PlainNode>();

/**
 * The tree's top node as plain nodes, built on first request and kept as long as the tree is. It holds the nodes
 * lezer's own navigation visits (anonymous nodes are looked through, as `firstChild` and `nextSibling` do).
 */
export function plainTop(tree: Tree): PlainNode {
  let top = plainTrees.get(tree);
  if (!top) {
    top = plainSubtree(tree.cursor());
    plainTrees.set(tree, top);
  }
  return top;
}

function plainSubtree(cursor: TreeCursor): PlainNode {
  const node = new PlainNode(cursor.type, cursor.from, cursor.to);
  if (!cursor.firstChild()) return node;
  let previous: PlainNode | null = null;
  do {
    const child = plainSubtree(cursor);
    if (previous) previous.nextSibling = child;
    else node.firstChild = child;
    previous = child;
  } while (cursor.nextSibling());
  cursor.parent();
  return node;
}
