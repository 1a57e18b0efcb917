//! Chat and collaboration: Slack, Discord, Microsoft Teams, Telegram.

use crate::detector::{Confidence, Detector, SecretKind::Chat};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::secret(
            "slack_bot_token",
            Chat,
            r"\bxoxb-[0-9]{9,13}-[0-9]{9,13}-[A-Za-z0-9]{20,40}\b",
        )
        .prefixes(&["xoxb-"])
        .label("SLACK_TOKEN"),
        Detector::secret(
            "slack_user_token",
            Chat,
            // Classic user tokens, and the rotating form (`xoxp-1-` and a base64 body).
            r"\bxoxp-(?:[0-9]{9,13}-[0-9]{9,13}-[0-9]{9,13}-[a-f0-9]{32}|1-[A-Za-z0-9_\-]{40,400})\b",
        )
        .prefixes(&["xoxp-"])
        .label("SLACK_TOKEN"),
        Detector::secret(
            "slack_app_token",
            Chat,
            r"\bxapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{9,13}-[a-f0-9]{64}\b",
        )
        .prefixes(&["xapp-"])
        .label("SLACK_TOKEN"),
        // Legacy, workspace, refresh and configuration tokens.
        Detector::secret(
            "slack_other_token",
            Chat,
            r"\b(?:xox[aeors]|xoxe\.xox[bp])-[0-9A-Za-z\-]{10,250}\b",
        )
        .prefixes(&["xoxa-", "xoxe-", "xoxo-", "xoxr-", "xoxs-", "xoxe.xox"])
        .label("SLACK_TOKEN")
        .validator(Validator::SecretValue { min_len: 20, min_entropy: 3.0, min_classes: 2 }),
        Detector::secret(
            "slack_webhook_url",
            Chat,
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,14}/[A-Za-z0-9]{20,40}",
        )
        .prefixes(&["hooks.slack.com/"])
        .lead(8)
        .label("SLACK_WEBHOOK"),
        // Bot tokens: base64 of the numeric bot id, a timestamp part and an HMAC part.
        Detector::secret(
            "discord_bot_token",
            Chat,
            r"(?i:discord)[\s\S]{0,80}?(?:^|[^A-Za-z0-9_\-.])(?P<secret>[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6,7}\.[A-Za-z0-9_\-]{27,40})(?:[^A-Za-z0-9_\-.]|$)",
        )
        .keywords(&["discord"])
        .confidence(Confidence::Medium),
        Detector::secret(
            "discord_webhook_url",
            Chat,
            r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,72}",
        )
        .prefixes(&["/webhooks/"])
        .lead(45)
        .label("DISCORD_WEBHOOK"),
        Detector::secret(
            "teams_webhook_url",
            Chat,
            r"https://[a-z0-9\-]{1,60}\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\-]{36}(?:/[A-Za-z0-9_\-]{20,80})?",
        )
        .prefixes(&[".webhook.office.com/"])
        .lead(70)
        .label("TEAMS_WEBHOOK"),
        // Power Automate / Logic Apps workflow triggers (the replacement for Teams connectors).
        Detector::secret(
            "teams_workflow_url",
            Chat,
            r"https://[a-z0-9\-.]{1,80}\.logic\.azure\.com(?::443)?/workflows/[0-9a-f]{32}/triggers/[^\s?]{1,80}\?[^\s<>]{0,300}?sig=(?P<secret>[A-Za-z0-9_\-]{40,50})",
        )
        .prefixes(&[".logic.azure.com"])
        .lead(90)
        .label("TEAMS_WEBHOOK"),
        Detector::secret(
            "telegram_bot_token",
            Chat,
            r"(?:^|[^0-9])(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_\-]{33})(?:[^A-Za-z0-9_\-]|$)",
        )
        .prefixes(&[":AA"])
        .lead(11),
    ]
}
