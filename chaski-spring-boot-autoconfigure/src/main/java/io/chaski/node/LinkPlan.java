package io.chaski.node;

/**
 * Which links a node needs: consulted by the idle rule ({@link Housekeeping}) and by a publish that finds no
 * link for its topic. Without membership a node keeps the links that share a topic and waits for none; with
 * membership, {@link MemberLinks} pairs by topic and replaces this plan.
 */
interface LinkPlan {

	/** The plan of a node without membership. */
	LinkPlan TOPICS_ONLY = new LinkPlan() {

		@Override
		public boolean keeps(ChaskiNode node, Edge edge) {
			return sharesTopic(node, edge);
		}

		@Override
		public Route awaitRoute(String topic, long timeoutNanos) {
			return Route.NONE;
		}

		@Override
		public boolean relinks() {
			return false;
		}

	};

	/**
	 * @param node this node
	 * @param edge an edge that carried no data for the idle timeout
	 * @return whether to keep it open
	 */
	boolean keeps(ChaskiNode node, Edge edge);

	/**
	 * Makes sure, if membership knows a member that takes the topic, that a link to one is up.
	 * @param topic a topic no link takes
	 * @param timeoutNanos the longest wait for the link
	 * @return what the wait found
	 */
	Route awaitRoute(String topic, long timeoutNanos);

	/**
	 * @return whether the plan links again by itself to the members it needs after a link was lost (then the
	 * node's own budgeted reconnection stays out of it: it would redial a member membership declared dead)
	 */
	boolean relinks();

	/** @return whether messages on a topic the node takes part in flow over the edge (either may be a root) */
	static boolean sharesTopic(ChaskiNode node, Edge edge) {
		if (node.isRoot() || edge.isRoot()) {
			return true;
		}
		return edge.subscriptions().stream().anyMatch(node::subscribesTo);
	}

}
