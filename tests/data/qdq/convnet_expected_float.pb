
Bconvnet_expected_floatJ
—קתI¶ש&