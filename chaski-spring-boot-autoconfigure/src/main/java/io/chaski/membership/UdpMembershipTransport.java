package io.chaski.membership;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.IoThreads;
import io.chaski.support.RateLimitedLog;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.messaging.Message;

/**
 * Membership over UDP with spring-integration-ip: a {@link UnicastReceivingChannelAdapter} reads datagrams from
 * a socket bound here (so a port in use fails {@link #start} at once), and replies leave from the same socket.
 * One thread reads, one handles packets in order; packets that find the bounded queue full are dropped, as
 * the network could have dropped them.
 */
public final class UdpMembershipTransport implements MembershipTransport {

	private static final Logger log = LoggerFactory.getLogger(UdpMembershipTransport.class);

	/** Datagrams waiting to be handled before new ones are dropped. */
	private static final int QUEUE_CAPACITY = 1024;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final String bindHost;

	private final int port;

	private final int maxPacketBytes;

	private DatagramSocket socket;

	private UnicastReceivingChannelAdapter adapter;

	private ThreadPoolExecutor executor;

	/**
	 * @param bindHost address to listen on
	 * @param port UDP port, 0 for any free one
	 * @param maxPacketBytes largest packet accepted; longer ones arrive cut and are rejected by the codec
	 */
	public UdpMembershipTransport(String bindHost, int port, int maxPacketBytes) {
		this.bindHost = bindHost;
		this.port = port;
		this.maxPacketBytes = maxPacketBytes;
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalStateException if the port cannot be bound
	 */
	@Override
	public synchronized void start(PacketHandler handler) {
		try {
			this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(this.bindHost), this.port));
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot bind UDP " + this.bindHost + ":" + this.port + " for membership: "
					+ ex.getMessage(), ex);
		}
		this.executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), IoThreads.factory("chaski-udp-" + localAddress().getPort() + "-"),
				new ThreadPoolExecutor.DiscardPolicy());
		this.adapter = new UnicastReceivingChannelAdapter(this.socket.getLocalPort());
		this.adapter.setSocket(this.socket);
		// one byte more than allowed: a longer datagram arrives cut to this and the codec rejects it
		this.adapter.setReceiveBufferSize(this.maxPacketBytes + 1);
		this.adapter.setTaskExecutor(this.executor);
		this.adapter.setOutputChannel((message, timeout) -> {
			deliver(handler, message);
			return true;
		});
		// the adapter wants a bean factory for its defaults; an empty one holds no beans of the application
		this.adapter.setBeanFactory(new DefaultListableBeanFactory());
		// it announces that it listens as an application event: nobody here needs it
		this.adapter.setApplicationEventPublisher(event -> {
		});
		this.adapter.afterPropertiesSet();
		this.adapter.start();
	}

	private void deliver(PacketHandler handler, Message<?> message) {
		try {
			if (message.getHeaders().get(IpHeaders.PACKET_ADDRESS) instanceof InetSocketAddress from
					&& message.getPayload() instanceof byte[] data) {
				handler.received(from, data);
			}
		}
		catch (RuntimeException ex) {
			this.warnings.warn("deliver", "Membership packet handler failed: {}", ex.toString(), ex);
		}
	}

	@Override
	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.socket.getLocalSocketAddress();
	}

	@Override
	public void send(InetSocketAddress to, byte[] data) {
		DatagramSocket current = this.socket;
		if (current == null || current.isClosed()) {
			return;
		}
		try {
			current.send(new DatagramPacket(data, data.length, to));
		}
		catch (IOException | RuntimeException ex) {
			// UDP: a failed send is a lost packet, which the protocol tolerates
			log.debug("Membership packet to {} not sent: {}", to, ex.toString());
		}
	}

	@Override
	public synchronized void close() {
		if (this.adapter != null) {
			this.adapter.stop();
			this.adapter = null;
		}
		if (this.socket != null) {
			this.socket.close();
		}
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	/** @return whether the socket is open */
	public boolean isOpen() {
		return this.socket != null && !this.socket.isClosed();
	}

}
