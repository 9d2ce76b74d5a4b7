"""Bill of quantities (工程量清单): import, export and the contract's lines, in the columns of GB 50500."""
