// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Processing;

/// <summary>A stored registration and, when one was issued, the client secret in clear (returned once, never stored).</summary>
/// <param name="Registration">The stored registration.</param>
/// <param name="ClientSecret">The plain client secret, or <see langword="null"/>.</param>
public sealed record RegistrationOutcome(ClientRegistration Registration, string? ClientSecret);

/// <summary>A client secret issued with a new registration.</summary>
/// <param name="PlainText">The secret in clear, returned once in the response and never stored.</param>
/// <param name="Hash">Its hash as stored (<see cref="ClientRegistration.ClientSecretHash"/>), in the format the token endpoint verifies.</param>
/// <param name="ExpiresAt">When it expires; <see langword="null"/> when it does not.</param>
public sealed record IssuedClientSecret(string PlainText, string Hash, DateTimeOffset? ExpiresAt);
