package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Bytes become text a person reads, whatever they hold. */
class RecordTextTest {

    private final RecordText text = new RecordText(URI.create("http://localhost:1"), Optional.empty());

    @Test
    void jsonIsPrettyPrinted() {
        RecordText.Text shown = text.describe("{\"user_id\":\"user-1\",\"n\":2}".getBytes(StandardCharsets.UTF_8), true);
        assertThat(shown.format()).isEqualTo("json");
        assertThat(shown.text()).contains("\n").contains("\"user_id\" : \"user-1\"");
    }

    @Test
    void markupIsKeptAsTheTextItIs() {
        String markup = "<img src=x onerror=alert(1)>";
        RecordText.Text shown = text.describe(markup.getBytes(StandardCharsets.UTF_8), true);
        assertThat(shown.format()).isEqualTo("text");
        assertThat(shown.text()).isEqualTo(markup);
    }

    @Test
    void binaryIsHex() {
        RecordText.Text shown = text.describe(new byte[] {1, 2, (byte) 0xff}, true);
        assertThat(shown.format()).isEqualTo("binary");
        assertThat(shown.text()).isEqualTo("01 02 ff");
        assertThat(RecordText.shortText(new byte[] {1, (byte) 0xab})).isEqualTo("0x01ab");
    }

    @Test
    void avroWithoutAReachableRegistryIsShownAsBytes() {
        byte[] wire = {0, 0, 0, 0, 7, 2, 'a'};
        assertThat(text.describe(wire, true).format()).isEqualTo("binary");
    }

    @Test
    void aValueCutInTheMiddleOfACharacterIsStillText() {
        byte[] euro = "price 10€".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(euro, euro.length - 1);
        RecordText.Text shown = text.describe(cut, false);
        assertThat(shown.format()).isEqualTo("text");
        assertThat(shown.text()).isEqualTo("price 10");
    }

    @Test
    void nullAndEmptyValuesSayWhatTheyAre() {
        assertThat(text.describe(null, true).text()).contains("null");
        assertThat(text.describe(new byte[0], true).text()).contains("empty");
    }
}
