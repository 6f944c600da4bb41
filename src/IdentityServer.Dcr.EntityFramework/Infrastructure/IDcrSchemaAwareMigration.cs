// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>
/// A migration that creates its objects in the configured schema rather than in a schema fixed when it was
/// generated. <see cref="DcrMigrationsAssembly"/> sets <see cref="Schema"/> before the migration runs.
/// </summary>
internal interface IDcrSchemaAwareMigration
{
    /// <summary>The schema, or <see langword="null"/> for the connection's default.</summary>
    string? Schema { set; }
}
