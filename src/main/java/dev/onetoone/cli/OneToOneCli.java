package dev.onetoone.cli;

public final class OneToOneCli {
    public static void main(String[] args) {
    }
}
