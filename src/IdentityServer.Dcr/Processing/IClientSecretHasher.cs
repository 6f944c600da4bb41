// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Processing;

/// <summary>
/// Hashes the client secrets the bank issues (<c>client_secret_basic</c>, <c>client_secret_post</c>) for storage, and
/// verifies a presented secret against the stored hash.
/// </summary>
/// <remarks>
/// One service for both sides: <see cref="IRegistrationProcessor"/> hashes the secret it issues, and the
/// authorization server plug-in verifies the secret a client presents at the token endpoint, so the two can never
/// disagree. The default, <see cref="ClientSecretHasher"/>, stores <c>sha256:</c> and the base64 SHA-256 digest (the
/// secrets have 216 random bits, so no stretching is needed) and compares in constant time. Replace it with
/// <c>services.AddSingleton&lt;IClientSecretHasher, MyHasher&gt;()</c> before <c>AddDcr</c>; keep verifying the
/// hashes already stored.
/// </remarks>
public interface IClientSecretHasher
{
    /// <summary>Hashes <paramref name="secret"/> for storage.</summary>
    /// <param name="secret">The secret, as issued.</param>
    /// <returns>The hash to store.</returns>
    string Hash(string secret);

    /// <summary>Whether <paramref name="secret"/> is the secret whose hash is <paramref name="hash"/>, compared in constant time.</summary>
    /// <param name="secret">The secret a client presented.</param>
    /// <param name="hash">The stored hash; <see langword="null"/> (no secret issued) never verifies.</param>
    /// <returns><see langword="true"/> when the secret matches.</returns>
    bool Verify(string secret, string? hash);
}
