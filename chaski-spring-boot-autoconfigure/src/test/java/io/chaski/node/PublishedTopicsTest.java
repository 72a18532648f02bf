package io.chaski.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The topics a node publishes to without subscribing, as pairing sees them. */
class PublishedTopicsTest {

	private static final long SECOND = 1_000_000_000L;

	private final PublishedTopics topics = new PublishedTopics();

	@Test
	void aTopicStaysForTheWindowAfterItsLastPublishThenGoes() {
		this.topics.mark("news");
		assertThat(this.topics.sweep(0, 10 * SECOND)).containsExactly("news");
		assertThat(this.topics.sweep(5 * SECOND, 10 * SECOND)).containsExactly("news");
		this.topics.mark("news");
		// published again: the sweep at 6 s sees it, so it stays until 16 s
		assertThat(this.topics.sweep(6 * SECOND, 10 * SECOND)).containsExactly("news");
		assertThat(this.topics.sweep(15 * SECOND, 10 * SECOND)).containsExactly("news");
		assertThat(this.topics.sweep(17 * SECOND, 10 * SECOND)).isEmpty();
	}

	@Test
	void aTopicForgottenWhilePublishedToLastComesBackWithItsNextPublish() {
		this.topics.mark("news");
		this.topics.mark("news"); // now the topic published to last
		this.topics.sweep(0, SECOND);
		assertThat(this.topics.sweep(2 * SECOND, SECOND)).isEmpty();
		this.topics.mark("news");
		assertThat(this.topics.sweep(3 * SECOND, SECOND)).containsExactly("news");
	}

	@Test
	void aPublisherSwitchingTopicsMarksEach() {
		this.topics.mark("news");
		this.topics.mark("news");
		this.topics.sweep(0, 10 * SECOND);
		this.topics.mark("sport");
		this.topics.mark("sport");
		this.topics.mark("news");
		// both used since the last sweep: both kept past the window of the first
		assertThat(this.topics.sweep(11 * SECOND, 10 * SECOND)).containsExactlyInAnyOrder("news", "sport");
		this.topics.mark("news");
		assertThat(this.topics.sweep(22 * SECOND, 10 * SECOND)).containsExactly("news");
	}

	@Test
	void withoutAWindowATopicStays() {
		this.topics.mark("news");
		this.topics.sweep(0, 0);
		assertThat(this.topics.sweep(3600 * SECOND, 0)).containsExactly("news");
	}

	@Test
	void atMostTheBoundIsRemembered() {
		for (int i = 0; i < PublishedTopics.MAX_TOPICS + 10; i++) {
			this.topics.mark("topic-" + i);
		}
		assertThat(this.topics.sweep(0, SECOND)).hasSize(PublishedTopics.MAX_TOPICS).doesNotContain("topic-1030");
	}

}
