package io.chaski.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefaultPayloadCodecTest {

	private final DefaultPayloadCodec codec = new DefaultPayloadCodec();

	record Price(String symbol, double value, List<String> tags) {
	}

	@Test
	void bytesTravelAsTheyAre() {
		byte[] bytes = { 0, 1, (byte) 0xFF };
		EncodedPayload encoded = this.codec.encode(bytes);
		assertThat(encoded.contentType()).isNull();
		assertThat(encoded.bytes()).isSameAs(bytes);
		assertThat((byte[]) this.codec.decode(encoded.bytes(), null, byte[].class)).isEqualTo(bytes);
		assertThat((Object) this.codec.decode(encoded.bytes(), null, Object.class)).isEqualTo(bytes);
	}

	@Test
	void textTravelsAsUtf8() {
		EncodedPayload encoded = this.codec.encode("héllo ✓");
		assertThat(encoded.contentType()).isEqualTo(DefaultPayloadCodec.TEXT);
		assertThat(encoded.bytes()).isEqualTo("héllo ✓".getBytes(StandardCharsets.UTF_8));
		assertThat((String) this.codec.decode(encoded.bytes(), encoded.contentType(), String.class)).isEqualTo("héllo ✓");
		assertThat((Object) this.codec.decode(encoded.bytes(), encoded.contentType(), Object.class)).isEqualTo("héllo ✓");
	}

	@Test
	void objectsTravelAsJson() {
		Price price = new Price("ACME", 12.5, List.of("a", "b"));
		EncodedPayload encoded = this.codec.encode(price);
		assertThat(encoded.contentType()).isEqualTo(DefaultPayloadCodec.JSON);
		assertThat(new String(encoded.bytes(), StandardCharsets.UTF_8)).contains("\"symbol\":\"ACME\"");
		Price back = this.codec.decode(encoded.bytes(), encoded.contentType(), Price.class);
		assertThat(back).isEqualTo(price);
		Map<String, Object> asMap = this.codec.decode(encoded.bytes(), encoded.contentType(), Object.class);
		assertThat(asMap).containsEntry("symbol", "ACME");
	}

	@Test
	void mismatchedContentIsAClearError() {
		EncodedPayload text = this.codec.encode("plain");
		assertThatThrownBy(() -> this.codec.decode(text.bytes(), text.contentType(), Price.class))
			.isInstanceOf(PayloadCodecException.class).hasMessageContaining("Price");
		byte[] notJson = "{oops".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(notJson, DefaultPayloadCodec.JSON, Price.class))
			.isInstanceOf(PayloadCodecException.class).hasMessageContaining("Cannot read JSON");
	}

}
