// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Caches one model per context type and schema, since the schema changes the model.</summary>
internal sealed class DcrModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime)
        => (context.GetType(), (context as DcrDbContext)?.Schema, designTime);
}
