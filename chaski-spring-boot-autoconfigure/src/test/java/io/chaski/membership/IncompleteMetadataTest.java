package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * A record that arrived without its topics and services is completed by the full record a state sync brings at
 * the same incarnation: its metadata is filled in, its state is not touched.
 */
class IncompleteMetadataTest {

	private final SimCluster cluster = new SimCluster(7, MembershipSettings.lan());

	private final Membership membership = this.cluster.add();

	private final UUID from = UUID.randomUUID();

	private final MemberMetadata complete = new MemberMetadata("10.0.0.9", 7700, List.of("a", "b"), false, "v",
			List.of("greeter"), true);

	private final Member alive = new Member(UUID.randomUUID(), "big", "10.0.0.9", 7700, MemberState.ALIVE, 2,
			this.complete);

	private final Member incomplete = new Member(this.alive.id(), "big", "10.0.0.9", 7700, MemberState.ALIVE, 2,
			this.complete.withoutLists());

	@Test
	void anAliveMembersMetadataIsCompletedAndAnnouncedAsAnUpdate() {
		this.membership.merge(this.from, List.of(this.incomplete));
		this.membership.merge(this.from, List.of(this.alive));
		assertThat(this.membership.member(this.alive.id())).contains(this.alive);
		assertThat(this.cluster.events.get(0)).extracting(MemberEvent::type)
			.containsExactly(MemberEvent.Type.JOINED, MemberEvent.Type.UPDATED);
		// an incomplete record of the same incarnation does not undo it
		this.membership.merge(this.from, List.of(this.incomplete));
		assertThat(this.membership.member(this.alive.id())).contains(this.alive);
	}

	@Test
	void aDeadMemberStaysDeadWhenItsCompleteAliveRecordArrivesAtTheSameIncarnation() {
		this.membership.merge(this.from, List.of(this.incomplete, this.incomplete.with(MemberState.DEAD, 2)));
		this.membership.merge(this.from, List.of(this.alive));
		Member known = this.membership.member(this.alive.id()).orElseThrow();
		assertThat(known.state()).isEqualTo(MemberState.DEAD);
		assertThat(known.metadata()).isEqualTo(this.complete);
		assertThat(this.cluster.events.get(0)).extracting(MemberEvent::type)
			.containsExactly(MemberEvent.Type.JOINED, MemberEvent.Type.DEAD);
	}

}
