package dev.fleetplane.provisioner.checkout;

/** The operator's checkout cannot be used (missing, no flake, not a git work tree, a git command failed). */
public class CheckoutException extends Exception {

    public CheckoutException(String message) {
        super(message);
    }
}
