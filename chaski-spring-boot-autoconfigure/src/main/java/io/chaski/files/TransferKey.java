package io.chaski.files;

import java.util.UUID;

/**
 * A transfer is known by the peer at the other end (the edge it travels over, never what a payload claims) and
 * the sender's transfer id.
 *
 * @param peer the other node's id
 * @param transferId the sender's id for the transfer
 */
record TransferKey(UUID peer, long transferId) {
}
