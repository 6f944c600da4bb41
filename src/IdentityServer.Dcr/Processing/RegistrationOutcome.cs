// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Processing;

/// <summary>A stored registration and, when one was issued, the client secret in clear (returned once, never stored).</summary>
/// <param name="Registration">The stored registration.</param>
/// <param name="ClientSecret">The plain client secret, or <see langword="null"/>.</param>
public sealed record RegistrationOutcome(ClientRegistration Registration, string? ClientSecret);
