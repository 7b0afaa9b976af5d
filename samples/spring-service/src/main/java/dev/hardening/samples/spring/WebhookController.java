package dev.hardening.samples.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The GitHub webhook's handler. The starter has verified the signature, the delivery id and the
 * size, and answered a repeated delivery {@code duplicate}, before this runs.
 */
@RestController
class WebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    /**
     * @param body the verified raw body
     * @return 204
     */
    @PostMapping("/webhooks/github")
    ResponseEntity<Void> github(@RequestBody(required = false) byte[] body) {
        LOG.info("webhook delivery processed ({} bytes)", body == null ? 0 : body.length);
        return ResponseEntity.noContent().build();
    }
}
