package io.chaski.node;

/**
 * A node could not start because of one of its settings: the bind host, the port, the advertised host, or
 * protected mode (a network-facing bind without a cluster secret). It names the setting at fault, so the
 * Spring Boot starter can report the property and the fix instead of a stack trace.
 */
public class NodeStartupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The setting at fault, with the name of its {@code chaski.*} property. */
	public enum Setting {

		/** The bind address ({@code ChaskiNode.Builder.bindHost}). */
		HOST("chaski.node.host"),

		/** The listening port ({@code ChaskiNode.Builder.port}). */
		PORT("chaski.node.port"),

		/** The address peers dial ({@code ChaskiNode.Builder.advertisedHost}). */
		ADVERTISED_HOST("chaski.node.advertised-host"),

		/** Protected mode: a network-facing bind needs a cluster secret ({@code ChaskiNode.Builder.clusterSecret}). */
		CLUSTER_SECRET("chaski.security.cluster-secret");

		private final String property;

		Setting(String property) {
			this.property = property;
		}

		/** @return the Spring Boot property that holds this setting */
		public String property() {
			return this.property;
		}

	}

	private final Setting setting;

	private final String problem;

	/**
	 * @param setting the setting at fault
	 * @param problem what is wrong, with the value at fault, as a sentence without the property name
	 * @param cause the underlying failure, or {@code null}
	 */
	public NodeStartupException(Setting setting, String problem, Throwable cause) {
		super(problem + " (" + setting.property() + ")", cause);
		this.setting = setting;
		this.problem = problem;
	}

	/** @return the setting at fault */
	public Setting setting() {
		return this.setting;
	}

	/** @return what is wrong, without the property name */
	public String problem() {
		return this.problem;
	}

}
