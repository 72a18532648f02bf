package io.chaski.annotation;

import io.chaski.streamer.ChaskiMessage;

/**
 * What a {@link ListenerContainer} does with each message.
 */
@FunctionalInterface
public interface MessageHandler {

	/**
	 * @param message the message, its payload converted to the container's payload type
	 * @throws Exception anything; it is logged and counted, and the next message is handled as usual
	 */
	void handle(ChaskiMessage<Object> message) throws Exception;

}
