package dev.onetoone.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.onetoone.config.ConfigException;

class CampaignsTest {
    private static final String VALID = """
            campaign.welcome.type=second_order
            campaign.welcome.offer-form=percent_off
            campaign.welcome.discount-steps=10,5
            campaign.welcome.budget=100
            """;

    @Test
    void theShippedCampaignsFileHasEveryTypeAndRecognitionFirstForVips() {
        Campaigns campaigns = Campaigns.load(Path.of("conf/campaigns.properties"));
        assertEquals(List.of(CampaignType.CROSS_SELL, CampaignType.REPLENISHMENT, CampaignType.SECOND_ORDER, CampaignType.VIP, CampaignType.VIP,
                CampaignType.WIN_BACK), campaigns.campaigns().stream().map(Campaign::type).toList());
        Campaign vip = campaigns.campaigns().stream().filter(c -> c.id().equals("vip")).findFirst().orElseThrow();
        Campaign points = campaigns.campaigns().stream().filter(c -> c.id().equals("vip_points")).findFirst().orElseThrow();
        assertEquals(OfferForm.RECOGNITION, vip.offerForm());
        assertEquals(OfferForm.BONUS_POINTS, points.offerForm());
        assertTrue(vip.priority() < points.priority());
        assertEquals(0.95, vip.eligibility().minClvQuantile());
    }

    @Test
    void defaultsFillTheSettingsNotGivenAndStepsAreSorted() {
        Campaign campaign = Campaigns.parse(VALID).campaigns().get(0);
        assertEquals(List.of(5.0, 10.0), campaign.steps());
        assertEquals(TargetKind.BASKET, campaign.target());
        assertEquals(14, campaign.validityDays());
        assertEquals(List.of("email", "push", "sms"), campaign.channels());
        assertEquals(1.0, campaign.eligibility().windowFactor());
    }

    @Test
    void recognitionHasOneFreeStepAndDisabledCampaignsAreLeftOut() {
        Campaigns campaigns = Campaigns.parse("""
                campaign.thanks.type=vip
                campaign.thanks.offer-form=recognition
                campaign.thanks.budget=0
                campaign.off.type=vip
                campaign.off.offer-form=recognition
                campaign.off.budget=0
                campaign.off.enabled=false
                """);
        assertEquals(1, campaigns.campaigns().size());
        assertEquals(List.of(0.0), campaigns.campaigns().get(0).steps());
    }

    @Test
    void errorsNameTheKey() {
        assertMessage(VALID.replace("percent_off", "half_off"), "campaign.welcome.offer-form");
        assertMessage(VALID.replace("10,5", "10,150"), "campaign.welcome.discount-steps");
        assertMessage(VALID.replace("budget=100", "budget=lots"), "campaign.welcome.budget");
        assertMessage(VALID.replace("campaign.welcome.budget=100\n", ""), "campaign.welcome.budget");
        assertMessage(VALID + "campaign.welcome.eligibility.max-rank=3\n", "campaign.welcome.eligibility.max-rank");
        assertMessage(VALID + "campaign.welcome.channels=email,fax\n", "campaign.welcome.channels");
        assertMessage(VALID + "campaign.welcome.target=product\n", "campaign.welcome.target");
        assertMessage(VALID + "campaign.welcome.type2=vip\n", "campaign.welcome.type2");
        assertMessage(VALID + "margin-floor.category.tea=1.5\n", "margin-floor.category.tea");
        assertMessage(VALID + "budget.total=5\n", "budget.total");
    }

    private static void assertMessage(String text, String key) {
        var error = assertThrows(ConfigException.class, () -> Campaigns.parse(text));
        assertTrue(error.getMessage().contains("'" + key + "'"), error.getMessage());
    }
}
