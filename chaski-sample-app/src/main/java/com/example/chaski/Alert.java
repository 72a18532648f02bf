package com.example.chaski;

/**
 * A reading above the alert threshold, published by the node that noticed it.
 *
 * @param reading the reading
 * @param threshold the threshold it crossed
 * @param noticedBy the name of the node that noticed it
 */
public record Alert(Reading reading, double threshold, String noticedBy) {
}
